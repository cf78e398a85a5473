"""kg.validation"""
