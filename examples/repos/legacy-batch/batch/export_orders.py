"""Nightly export of yesterday's orders to the finance bucket (CSV)."""
import datetime
import os

import boto3
import pandas as pd


def main() -> None:
    day = datetime.date.today() - datetime.timedelta(days=1)
    frame = pd.read_sql(
        "select * from orders where created_at::date = %(day)s",
        os.environ["ORDERS_DATABASE_URL"],
        params={"day": day},
    )
    key = f"orders/{day:%Y/%m/%d}.csv"
    boto3.client("s3").put_object(Bucket="acme-finance-exports", Key=key, Body=frame.to_csv(index=False))


if __name__ == "__main__":
    main()
