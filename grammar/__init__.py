"""The .ftr grammar (ftr.lark), installed as the package ftdsl.grammar."""
