"""Integrity analysis of closed sittings: the anomaly detectors (``detectors``: plain data
in, flags out) and the scan that feeds them a sitting and raises ethics cases (``scans``).

Reads what delivery stored (attempts, items, integrity events) through the models only.
"""

from testing_center.integrity.scans import sitting_integrity_scan, sittings_due_for_integrity

__all__ = ["sitting_integrity_scan", "sittings_due_for_integrity"]
