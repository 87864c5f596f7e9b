"""L'export : exécution bornée des notebooks et dossier complet hors ligne."""

import sys

# jsonschema (through nbformat) imports rfc3987_syntax when it is installed,
# only to check the "iri" string format, which no notebook schema uses; that
# import compiles some thirty Lark grammars and costs 1 to 1.5 s in every
# process of an export (python-jsonschema/jsonschema#1428). Marked absent
# before nbformat is imported, jsonschema skips it (it guards the import).
sys.modules.setdefault("rfc3987_syntax", None)
