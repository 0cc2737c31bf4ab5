import Core

extension WorkflowLoader {
    /// Shapes GitHub's published schema rejects but GitHub runs anyway (found in real repositories): each is accepted
    /// with a warning at its line saying what GitHub does with it, instead of the schema's error.
    struct ToleratedShape {
        var node: YAMLNode
        var warning: String
    }

    static func toleratedShapes(in root: YAMLNode) -> [ToleratedShape] {
        guard let on = root["on"], let events = on.mapping else { return [] }
        var shapes: [ToleratedShape] = []
        for (key, value) in events {
            guard let event = key.scalar else { continue }
            if event == "create" || event == "delete", value.mapping != nil {
                shapes.append(
                    .init(
                        node: value,
                        warning:
                            "'\(event)' takes no filters: GitHub ignores them and starts this workflow for every \(event)d branch or tag"))
            }
            for filter in ["branches", "branches-ignore", "tags", "tags-ignore", "paths", "paths-ignore"] {
                if let list = value[filter], list.isNull {
                    shapes.append(
                        .init(node: list, warning: "an empty '\(filter)' filter is ignored: GitHub treats '\(event)' as unfiltered"))
                }
            }
            if event == "workflow_dispatch", let settings = value.mapping {
                for (name, _) in settings where name.scalar != "inputs" {
                    shapes.append(
                        .init(node: name, warning: "'\(name.scalar ?? "")' is not a workflow_dispatch setting: GitHub ignores it"))
                }
            }
            if event == "workflow_dispatch", let inputs = value["inputs"]?.mapping {
                for (_, input) in inputs {
                    if let type = input["type"], type.scalar == "int" {
                        shapes.append(
                            .init(
                                node: type,
                                warning: "input type 'int' is not one GitHub documents (string, number, boolean, choice, environment); "
                                    + "GitHub accepts it and the value is a string"))
                    }
                }
            }
        }
        return shapes
    }

    /// The schema's errors at a tolerated node become that node's warning (once); everything else is kept.
    static func tolerating(_ diagnostics: [Diagnostic], shapes: [ToleratedShape]) -> [Diagnostic] {
        var warned: Set<Int> = []
        var result: [Diagnostic] = []
        for diagnostic in diagnostics {
            guard diagnostic.severity == .error,
                let index = shapes.firstIndex(where: { $0.node.location == diagnostic.location })
            else {
                result.append(diagnostic)
                continue
            }
            if warned.insert(index).inserted {
                result.append(Diagnostic(shapes[index].warning, at: shapes[index].node.location, severity: .warning))
            }
        }
        return result
    }
}
