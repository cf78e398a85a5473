"""kg.utils"""
