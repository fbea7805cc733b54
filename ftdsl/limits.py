"""How much ftdsl reads: the largest file it takes, and the largest cache entry.

Here, on their own, so that every reader (source.py for rulesets,
scenario_file.py for scenarios, cache.py) uses the same numbers without
importing another reader. Standard library only, and nothing to import.
"""

# No agreement or scenario comes near this; a file that does is a device or
# a mistake (`ftdsl check /dev/zero`), and reading it whole would exhaust
# memory before anything could be said about it.
LARGEST_FILE = 256 * 1024 * 1024

# No stored model of a real agreement comes near this; past it a cache entry is not read.
LARGEST_ENTRY = 64 * 1024 * 1024
