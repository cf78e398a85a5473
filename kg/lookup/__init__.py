"""kg.lookup"""
