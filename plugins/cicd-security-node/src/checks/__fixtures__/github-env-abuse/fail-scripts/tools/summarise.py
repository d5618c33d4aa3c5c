import os
print(os.environ.get("GITHUB_ENV", ""))  # OK: reads the name, writes nothing
