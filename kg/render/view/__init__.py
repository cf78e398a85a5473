"""kg.render.view"""
