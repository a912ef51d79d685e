def main() -> None:
    print("Billing Service")
