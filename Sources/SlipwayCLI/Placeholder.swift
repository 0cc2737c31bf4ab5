import ArgumentParser
public enum SlipwayMain { public static func main() async {} }
