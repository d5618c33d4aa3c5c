import os

# OK: read at run time
password = os.environ["DB_PASSWORD"]
# NOT OK: a literal client secret
client_secret = "q8Zr2Lm5Xp9Tw3Vb7Ny1"
# OK: not a literal in source code
token = get_token()
