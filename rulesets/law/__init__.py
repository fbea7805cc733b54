"""The statutory floor (gb-time-off.ftr), installed as the package ftdsl.law for `ftdsl audit`."""
