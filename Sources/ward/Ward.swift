import ArgumentParser
@main struct Ward: ParsableCommand { func run() {} }
