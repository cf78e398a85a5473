"""The Economic Systemic Risk Index (Diem et al., Sci. Rep. 12:7719, 2022); see docs/esri.md."""
