"""Render a Decision: report.json (schema-validated), variants.tsv, report.html, batch summary."""
