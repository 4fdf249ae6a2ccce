"""kb/engines"""
