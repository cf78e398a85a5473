"""kg.analysis.esri"""
