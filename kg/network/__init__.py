"""kg.network"""
