"""kg.services"""
