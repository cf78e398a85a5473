"""kg.vocab"""
