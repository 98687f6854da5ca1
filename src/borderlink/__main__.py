from borderlink.cli.main import run

run()
