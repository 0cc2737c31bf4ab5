extension GitLabConfig {
    /// The Kubernetes contexts the file selects: literal values of `KUBE_CONTEXT` variables (global or a job's) and
    /// `environment: kubernetes: agent:` names, as GitLab's agent for Kubernetes names its contexts.
    public var kubernetesContexts: [String] {
        var names: [String] = []
        let variables = self.variables + jobs.flatMap(\.variables)
        for variable in variables where variable.name == "KUBE_CONTEXT" && !variable.value.contains("$") && !variable.value.isEmpty {
            names.append(variable.value)
        }
        for job in jobs {
            if let agent = job.environment?.kubernetesAgent, !agent.contains("$") { names.append(agent) }
        }
        var seen: Set<String> = []
        return names.filter { seen.insert($0).inserted }
    }
}
