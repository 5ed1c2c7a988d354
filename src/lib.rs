//! polyclust
pub fn placeholder() {}
