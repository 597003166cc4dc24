from svclint.cli import main

main()
