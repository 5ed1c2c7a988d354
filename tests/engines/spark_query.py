"""Run queries in Spark SQL (local mode, one core) over the rows of CSV files,
for tests/sql_engines.rs.

Usage: spark_query.py SPEC.json, with the spec of duckdb_query.py (names
quoted for Spark, Spark's types). Prints one JSON object: the Spark version
and, per job and query, the rows as [row_id, cluster] pairs or the error
Spark raised.
"""

import json
import sys

from pyspark.sql import SparkSession


def run(spark, job):
    schema = ", ".join(f"{name} {ty}" for name, ty in job["columns"])
    # escape='"': a backslash in a cell is data, as in the other engines' CSV readers.
    frame = spark.read.csv(job["csv"], header=True, schema=schema, escape='"')
    frame.createOrReplaceTempView(job["table"])
    results = []
    for query in job["queries"]:
        try:
            rows = spark.sql(query).collect()
            results.append({"rows": [[int(r[0]), int(r[1])] for r in rows]})
        except Exception as e:  # any Spark error goes back to the test
            results.append({"error": str(e)})
    return results


def main(spec_path):
    with open(spec_path, encoding="utf-8") as f:
        spec = json.load(f)
    spark = (
        SparkSession.builder.master("local[1]")
        .appName("polyclust-sql-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    jobs = [run(spark, job) for job in spec["jobs"]]
    json.dump({"version": spark.version, "jobs": jobs}, sys.stdout)
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1])
