//! Run-time choice of the vector instructions the innermost loops are
//! compiled for (the sweep's silhouette, a row's move between two clusters'
//! columns, the per-cluster sums): one binary runs on every x86-64 CPU and
//! uses AVX2 or AVX-512 where the CPU has them.
//!
//! A [`Kernel`]'s `run` is `#[inline(always)]`, so each instantiation of
//! [`dispatch`]'s feature-enabled runners compiles the loop for those
//! features. The loops add, multiply and compare in the same order at every
//! vector width (Rust never fuses a multiplication into an addition unasked,
//! and never reorders a floating-point sum), so the results are bit for bit
//! the same on every CPU; only the speed differs. Measured with
//! `polyclust bench speed` on this project's AVX-512 machine against the
//! baseline build: wine's MPC-2 run 0.200 → 0.15 s, engytime's 0.61 → 0.42 s.
//!
//! This is the crate's one use of `unsafe`: calling a function compiled for
//! features the CPU was checked to have.
#![allow(unsafe_code)]

/// A loop to run compiled for the CPU's widest vectors.
pub(crate) trait Kernel {
    /// What the loop returns.
    type Output;
    /// The loop; implementations are `#[inline(always)]`.
    fn run(self) -> Self::Output;
}

/// A closure as a [`Kernel`]: called once from the runner, it is inlined
/// there, and with it the `#[inline(always)]` loops it calls, which are then
/// compiled for the runner's vectors.
pub(crate) struct Inline<F>(pub(crate) F);

impl<R, F: FnOnce() -> R> Kernel for Inline<F> {
    type Output = R;
    #[inline(always)]
    fn run(self) -> R {
        (self.0)()
    }
}

/// The instruction sets [`dispatch`] chooses among.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum VectorIsa {
    Baseline,
    #[cfg(target_arch = "x86_64")]
    Avx2,
    #[cfg(target_arch = "x86_64")]
    Avx512,
}

/// The CPU's widest supported set, detected once.
fn vector_isa() -> VectorIsa {
    #[cfg(target_arch = "x86_64")]
    {
        static ISA: std::sync::OnceLock<VectorIsa> = std::sync::OnceLock::new();
        *ISA.get_or_init(|| {
            use std::arch::is_x86_feature_detected as has;
            if has!("avx512f")
                && has!("avx512vl")
                && has!("avx512dq")
                && has!("avx512bw")
                && has!("avx2")
                && has!("fma")
            {
                VectorIsa::Avx512
            } else if has!("avx2") && has!("fma") {
                VectorIsa::Avx2
            } else {
                VectorIsa::Baseline
            }
        })
    }
    #[cfg(not(target_arch = "x86_64"))]
    VectorIsa::Baseline
}

/// Run `kernel` compiled for the widest vectors of this CPU.
#[inline]
pub(crate) fn dispatch<K: Kernel>(kernel: K) -> K::Output {
    match vector_isa() {
        // SAFETY: `vector_isa` checked that the CPU has every feature the
        // runner is compiled for.
        #[cfg(target_arch = "x86_64")]
        VectorIsa::Avx512 => unsafe { run_avx512(kernel) },
        // SAFETY: as above.
        #[cfg(target_arch = "x86_64")]
        VectorIsa::Avx2 => unsafe { run_avx2(kernel) },
        VectorIsa::Baseline => kernel.run(),
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512vl,avx512dq,avx512bw,avx2,fma")]
fn run_avx512<K: Kernel>(kernel: K) -> K::Output {
    kernel.run()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn run_avx2<K: Kernel>(kernel: K) -> K::Output {
    kernel.run()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Sum<'a>(&'a [f64]);

    impl Kernel for Sum<'_> {
        type Output = f64;
        #[inline(always)]
        fn run(self) -> f64 {
            self.0.iter().sum()
        }
    }

    /// Whatever set is chosen, a kernel gives the baseline's result.
    #[test]
    fn dispatched_kernel_gives_the_baseline_result() {
        let values: Vec<f64> = (0..1001).map(|i| 1.0 / (1.0 + i as f64)).collect();
        let baseline = Sum(&values).run();
        assert_eq!(dispatch(Sum(&values)).to_bits(), baseline.to_bits());
    }
}
