"""Objectives: MI estimators, unimodal label generation, and the MIMML loss."""
