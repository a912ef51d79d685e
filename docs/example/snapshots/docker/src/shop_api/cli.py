def main() -> None:
    print("Shop API")
