"""Run queries in DuckDB over the rows of CSV files, for tests/sql_engines.rs.

Usage: duckdb_query.py SPEC.json, where SPEC holds "jobs", each naming a CSV
file ("csv"), the table to create from it ("table") with its quoted column
names and types in file order ("columns"), and the queries to run on it
("queries"). Prints one JSON object: the DuckDB version and, per job and
query, the rows as [row_id, cluster] pairs or the error DuckDB raised.
"""

import json
import sys

import duckdb


def run(con, job):
    columns = ", ".join(f"{name} {ty}" for name, ty in job["columns"])
    con.execute(f"CREATE OR REPLACE TABLE {job['table']} ({columns})")
    path = job["csv"].replace("'", "''")
    con.execute(f"COPY {job['table']} FROM '{path}' (HEADER, DELIMITER ',', QUOTE '\"')")
    results = []
    for query in job["queries"]:
        try:
            rows = con.execute(query).fetchall()
            results.append({"rows": [[int(a), int(b)] for a, b in rows]})
        except duckdb.Error as e:
            results.append({"error": str(e)})
    return results


def main(spec_path):
    with open(spec_path, encoding="utf-8") as f:
        spec = json.load(f)
    con = duckdb.connect()
    jobs = [run(con, job) for job in spec["jobs"]]
    json.dump({"version": duckdb.__version__, "jobs": jobs}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
