"""Run queries in DuckDB over the rows of one CSV file, for tests/sql_engines.rs.

Usage: duckdb_query.py SPEC.json, where SPEC names the CSV file ("csv"), the
table to create ("table") with its quoted column names and types ("columns",
in file order) and the queries to run ("queries"). Prints one JSON object:
the DuckDB version and, per query, its rows as [row_id, cluster] pairs or the
error DuckDB raised.
"""

import json
import sys

import duckdb


def main(spec_path):
    with open(spec_path, encoding="utf-8") as f:
        spec = json.load(f)
    con = duckdb.connect()
    columns = ", ".join(f"{name} {ty}" for name, ty in spec["columns"])
    con.execute(f"CREATE TABLE {spec['table']} ({columns})")
    path = spec["csv"].replace("'", "''")
    con.execute(f"COPY {spec['table']} FROM '{path}' (HEADER, DELIMITER ',', QUOTE '\"')")
    results = []
    for query in spec["queries"]:
        try:
            rows = con.execute(query).fetchall()
            results.append({"rows": [[int(a), int(b)] for a, b in rows]})
        except duckdb.Error as e:
            results.append({"error": str(e)})
    json.dump({"version": duckdb.__version__, "results": results}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
