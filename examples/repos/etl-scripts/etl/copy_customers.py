"""Copies the customer table from the shop database into the warehouse."""
import os

from sqlalchemy import create_engine, text

src = create_engine(os.environ["SHOP_DB_URL"])
dst = create_engine(os.environ["WAREHOUSE_DB_URL"])

with src.connect() as s, dst.begin() as d:
    rows = s.execute(text("select id, email, country from customers")).fetchall()
    d.execute(text("truncate table staging_customers"))
    d.execute(text("insert into staging_customers values (:id, :email, :country)"), [r._asdict() for r in rows])
