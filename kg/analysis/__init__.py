"""kg.analysis"""
