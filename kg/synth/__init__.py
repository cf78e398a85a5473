"""kg.synth"""
