import ArgumentParser
import Foundation
import Manifests

/// `slipway kustomize edit`: edits the kustomization in the current directory the way `kustomize edit` does,
/// including its re-serialisation of the whole file.
struct KustomizeEditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Edit the kustomization in the current directory, as `kustomize edit` does.",
        subcommands: [KustomizeEditSetCommand.self, KustomizeEditAddCommand.self]
    )
}

struct KustomizeEditSetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Set a value in the kustomization.",
        subcommands: [KustomizeSetImageCommand.self, KustomizeSetNamespaceCommand.self]
    )
}

struct KustomizeEditAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add an item to the kustomization.",
        subcommands: [KustomizeAddResourceCommand.self]
    )
}

/// Runs one edit against the kustomization in the current directory and writes it back atomically.
func editKustomization(_ edit: (inout KustomizationFile) throws(KustomizeError) -> Void) throws {
    do {
        var file = try KustomizationFile(directory: FileManager.default.currentDirectoryPath)
        try edit(&file)
        try file.write()
    } catch {
        throw CommandFailure(error.description)
    }
}

struct KustomizeSetImageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Set images and their new names, tags or digests.",
        discussion: """
            Each argument is one of <image>=<newimage>:<newtag>, <image>=<newimage>@<digest>,
            <image>=<newimage>:<newtag>@<digest>, <image>=<newimage>, <image>:<newtag>, <image>:<newtag>@<digest>
            or <image>@<digest>. A field given as * keeps its current value.
            """
    )

    @Argument(help: "Images to set.")
    var images: [String] = []

    func run() throws {
        try editKustomization { (file: inout KustomizationFile) throws(KustomizeError) in try file.setImages(images) }
    }
}

struct KustomizeSetNamespaceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "namespace", abstract: "Set the namespace of every resource.")

    @Argument(help: "The namespace.")
    var namespace: String

    func run() throws {
        try editKustomization { (file: inout KustomizationFile) throws(KustomizeError) in
            try file.setNamespace(namespace)
        }
    }
}

struct KustomizeAddResourceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resource", abstract: "Add resource files or directories (globs allowed).")

    @Argument(help: "Paths relative to the kustomization.")
    var paths: [String] = []

    func run() throws {
        try editKustomization { (file: inout KustomizationFile) throws(KustomizeError) in
            for message in try file.addResources(paths) { print(message) }
        }
    }
}
