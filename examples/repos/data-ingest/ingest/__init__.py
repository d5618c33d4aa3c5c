"""Streams order events from Kafka into the data lake as Parquet files."""
