"""kb/render"""
