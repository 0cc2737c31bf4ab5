import Runner

/// Every action Slipway implements itself, in one place: what `slipway run`, `slipway up` and a server give their runs.
public enum StandardActions {
    public static let registry = ActionRegistry([
        CheckoutAction(),
        CacheAction(),
        UploadArtifactAction(),
        DownloadArtifactAction(),
        SetupGoAction(),
        SetupHostToolAction(),
        SetupKustomizeAction(),
        NothingToSetUpAction(),
        StepProcessAction(names: StepProcessActions.names),
    ])
}
