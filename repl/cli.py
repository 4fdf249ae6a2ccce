def main() -> int:
    print("lexlog")
    return 0
