"""Validity: validation against 2015-2017 statistics and calibration."""
