import Foundation
import OCI
import Testing

/// One small Dockerfile built by Slipway and by buildah, whose root filesystems and configs must agree.
struct DockerfileOracleCase: Sendable, CustomTestStringConvertible {
    var name: String
    /// The Dockerfile after `FROM localhost/oracle-base:1` (added unless the text has a `FROM` of its own).
    var dockerfile: String
    /// Context files beyond the common ones: a value `->target` is a symlink, a key ending in `/` a directory.
    var files: [String: String] = [:]
    var dockerignore: String?
    /// Both builders must refuse it.
    var mustFail = false
    /// Where Debian's buildah (1.28) does not do what Docker does: why, and what Slipway's image must show instead
    /// (problems found, none when it is right). buildah is not asked.
    var docker: DockerRule?

    struct DockerRule: Sendable {
        var reason: String
        var check: @Sendable (FilesystemSnapshot, ImageConfig.ContainerConfig) -> [String]
    }

    var testDescription: String { name }

    var fullDockerfile: String {
        let trimmed = dockerfile.trimmingCharacters(in: .whitespacesAndNewlines)
        let hasFrom = trimmed.split(separator: "\n").contains { $0.uppercased().hasPrefix("FROM ") }
        return (hasFrom ? "" : "FROM \(BuildahOracle.baseReference)\n") + trimmed + "\n"
    }

    /// Files every case's context holds.
    static let commonFiles: [String: String] = [
        "a.txt": "alpha\n", "b.txt": "bravo\n", "c.md": "# notes\n", "a b.txt": "spaced\n", "script.sh": "#!/bin/sh\necho run\n",
        "dir/one.txt": "one\n", "dir/sub/two.txt": "two\n", "dir/.hidden": "hidden\n", "dir/link": "->one.txt",
        "link.txt": "->a.txt", "empty/": "", "other/x.txt": "x\n", "other/y.md": "y\n",
    ]
    /// Modes other than 0644 files and 0755 directories.
    static let commonModes: [String: UInt16] = ["script.sh": 0o755, "other": 0o700, "b.txt": 0o600]
}

extension DockerfileOracleCase {
    static let base = BuildahOracle.baseReference

    /// The suite: COPY/ADD destination rules, globs, ownership and modes, other stages and images, WORKDIR, USER,
    /// ENV/ARG scoping, SHELL, `.dockerignore` and the config instructions.
    static let all: [DockerfileOracleCase] =
        copyDestinations + copySources + ownershipAndModes + otherStages + workdirs + users
        + variables + shellsAndCommands + dockerignores + additions + runChanges + configs

    static let copyDestinations: [DockerfileOracleCase] = [
        .init(name: "copy-file-to-new-path", dockerfile: "COPY a.txt /dest"),
        .init(name: "copy-file-to-new-directory-slash", dockerfile: "COPY a.txt /dest/"),
        .init(name: "copy-file-to-dot-after-workdir", dockerfile: "WORKDIR /src\nCOPY a.txt .\nRUN cat a.txt > copied"),
        .init(name: "copy-file-to-dot-slash-after-workdir", dockerfile: "WORKDIR /src\nCOPY a.txt ./"),
        .init(name: "copy-file-to-relative-name", dockerfile: "WORKDIR /src\nCOPY a.txt renamed"),
        .init(name: "copy-file-to-relative-directory", dockerfile: "WORKDIR /src\nCOPY a.txt sub/"),
        .init(name: "copy-file-to-existing-directory-without-slash", dockerfile: "COPY a.txt /tmp"),
        .init(name: "copy-file-to-existing-directory-with-slash", dockerfile: "COPY a.txt /etc/"),
        .init(name: "copy-file-to-deep-new-directory", dockerfile: "COPY a.txt /new/deep/path/"),
        .init(name: "copy-file-to-deep-new-file", dockerfile: "COPY a.txt /new/deep/file"),
        .init(name: "copy-file-to-parent-relative", dockerfile: "WORKDIR /w/x\nCOPY a.txt ../up"),
        .init(name: "copy-file-to-dot-dot", dockerfile: "WORKDIR /w/x\nCOPY a.txt .."),
        .init(
            name: "copy-file-to-slash-dot", dockerfile: "COPY a.txt /made/.",
            docker: .init(reason: "BuildKit keeps a trailing '/.' (a directory); buildah 1.28 writes the file as /made") { files, _ in
                files.entries["made/a.txt"]?.type == "file" ? [] : ["/made/a.txt is not a file:\n\(files)"]
            }),
        .init(name: "copy-file-to-root", dockerfile: "COPY a.txt /"),
        .init(name: "copy-over-existing-file", dockerfile: "COPY a.txt /etc/group"),
        .init(name: "copy-dot-to-dot-with-workdir", dockerfile: "WORKDIR /app\nCOPY . ."),
        .init(name: "copy-dot-to-absolute", dockerfile: "COPY . /all/"),
        .init(name: "copy-json-form-with-space", dockerfile: #"COPY ["a b.txt", "/spaced/"]"#),
        .init(name: "copy-json-form-to-dot", dockerfile: "WORKDIR /j\n" + #"COPY ["a.txt", "."]"#),
        .init(name: "copy-workdir-from-env", dockerfile: "ENV APP=/opt/app\nWORKDIR $APP\nCOPY a.txt ."),
        .init(name: "copy-destination-from-env", dockerfile: "ENV DEST=/opt/target\nCOPY a.txt $DEST/"),
        .init(name: "copy-destination-from-arg", dockerfile: "ARG DEST=/argdest\nCOPY a.txt ${DEST}/file"),
    ]

    static let copySources: [DockerfileOracleCase] = [
        .init(name: "copy-directory-contents", dockerfile: "COPY dir /d"),
        .init(name: "copy-directory-slash-to-slash", dockerfile: "COPY dir/ /d/"),
        .init(name: "copy-directory-into-existing", dockerfile: "COPY dir /tmp"),
        .init(name: "copy-nested-directory", dockerfile: "COPY dir/sub /s"),
        .init(name: "copy-empty-directory", dockerfile: "COPY empty /e"),
        .init(name: "copy-directory-with-mode", dockerfile: "COPY other /o"),
        .init(name: "copy-symlink-source-is-followed", dockerfile: "COPY link.txt /l"),
        .init(name: "copy-symlink-inside-directory-is-kept", dockerfile: "COPY dir /keep/"),
        .init(name: "copy-two-files-to-directory", dockerfile: "COPY a.txt b.txt /m/"),
        .init(name: "copy-two-files-without-slash", dockerfile: "COPY a.txt b.txt /m"),
        .init(name: "copy-file-and-directory", dockerfile: "COPY a.txt dir /mixed/"),
        .init(name: "copy-two-files-to-workdir", dockerfile: "WORKDIR /w\nCOPY a.txt b.txt ./"),
        .init(name: "copy-glob-star", dockerfile: "COPY *.txt /g/"),
        .init(name: "copy-glob-star-without-slash", dockerfile: "COPY *.txt /g"),
        .init(name: "copy-glob-question-mark", dockerfile: "COPY d?r /g2/"),
        .init(name: "copy-glob-in-directory", dockerfile: "COPY dir/*/two.txt /g3/"),
        .init(name: "copy-glob-class", dockerfile: "COPY [ab].txt /g4/"),
        .init(name: "copy-glob-matching-directories", dockerfile: "COPY */ /g5/"),
        .init(name: "copy-glob-one-match-to-file", dockerfile: "COPY c.m? /g6"),
        .init(name: "copy-missing-source-fails", dockerfile: "COPY missing.txt /x", mustFail: true),
        .init(name: "copy-escaping-source-stays-inside", dockerfile: "COPY ../a.txt /escaped"),
        .init(name: "copy-preserves-executable-mode", dockerfile: "COPY script.sh /usr/local/bin/"),
        .init(name: "copy-merges-into-existing-tree", dockerfile: "COPY dir /d\nCOPY other /d"),
        .init(name: "copy-dotfile-directly", dockerfile: "COPY dir/.hidden /h"),
    ]

    static let ownershipAndModes: [DockerfileOracleCase] = [
        .init(name: "chown-numeric-pair", dockerfile: "COPY --chown=65532:65532 a.txt /o/"),
        .init(name: "chown-user-name", dockerfile: "COPY --chown=nonroot a.txt /o/"),
        .init(name: "chown-user-and-group-names", dockerfile: "COPY --chown=nonroot:nonroot dir /o/"),
        .init(name: "chown-numeric-user-only", dockerfile: "COPY --chown=1234 a.txt /o/"),
        .init(name: "chown-numeric-unknown-pair", dockerfile: "COPY --chown=1234:5678 a.txt /o/"),
        .init(name: "chown-name-and-numeric-group", dockerfile: "COPY --chown=nonroot:0 a.txt /o/"),
        .init(name: "chown-creates-parents", dockerfile: "COPY --chown=nonroot a.txt /newparent/sub/f"),
        .init(name: "chown-into-existing-directory", dockerfile: "COPY --chown=nonroot dir /tmp/"),
        .init(name: "chown-from-variable", dockerfile: "ARG OWNER=nonroot\nCOPY --chown=$OWNER a.txt /v/"),
        .init(name: "chown-unknown-user-fails", dockerfile: "COPY --chown=nobody-here a.txt /x", mustFail: true),
        .init(name: "chmod-file", dockerfile: "COPY --chmod=600 a.txt /p"),
        .init(name: "chmod-directory", dockerfile: "COPY --chmod=750 dir /p2"),
        .init(name: "chmod-leading-zero", dockerfile: "COPY --chmod=0440 a.txt /p3/"),
        .init(name: "chmod-and-chown", dockerfile: "COPY --chown=nonroot:nonroot --chmod=700 script.sh /p4/"),
        .init(name: "copy-keeps-private-mode", dockerfile: "COPY b.txt /private"),
        .init(name: "copy-under-user-is-root-owned", dockerfile: "USER nonroot\nCOPY a.txt /tmp/c"),
    ]

    static let otherStages: [DockerfileOracleCase] = [
        .init(
            name: "copy-from-named-stage",
            dockerfile: "FROM \(base) AS build\nRUN mkdir -p /out && echo made > /out/x\nFROM \(base)\nCOPY --from=build /out/x /y"),
        .init(
            name: "copy-from-stage-into-existing-directory",
            dockerfile: "FROM \(base) AS build\nRUN echo made > /x\nFROM \(base)\nCOPY --from=build /x /tmp"),
        .init(
            name: "copy-from-stage-index", dockerfile: "FROM \(base)\nRUN echo zero > /z\nFROM \(base)\nCOPY --from=0 /z /from-zero"),
        .init(
            name: "copy-directory-from-stage",
            dockerfile:
                "FROM \(base) AS build\nRUN mkdir -p /out/a/b && echo 1 > /out/a/b/f && chmod 700 /out/a\nFROM \(base)\nCOPY --from=build /out/ /d/"
        ),
        .init(name: "copy-from-image", dockerfile: "COPY --from=\(base) /etc/group /copied-group"),
        .init(
            name: "copy-symlink-from-stage-is-followed",
            dockerfile: "FROM \(base) AS build\nRUN busybox ln -s /etc/passwd /pl\nFROM \(base)\nCOPY --from=build /pl /pw"),
        .init(
            name: "copy-from-stage-with-chown",
            dockerfile:
                "FROM \(base) AS build\nRUN mkdir /o && echo 1 > /o/f\nFROM \(base)\nCOPY --from=build --chown=nonroot:nonroot /o /app/"),
        .init(
            name: "copy-from-stage-glob",
            dockerfile:
                "FROM \(base) AS build\nRUN mkdir /o && echo 1 > /o/a.log && echo 2 > /o/b.log && echo 3 > /o/c.txt\nFROM \(base)\nCOPY --from=build /o/*.log /logs/"
        ),
        .init(
            name: "copy-from-stage-keeps-owner-of-user-files",
            dockerfile: "FROM \(base) AS build\nUSER nonroot\nRUN echo 1 > /tmp/mine\nFROM \(base)\nCOPY --from=build /tmp/mine /kept"),
        .init(name: "copy-from-unknown-stage-fails", dockerfile: "COPY --from=nowhere-stage /x /y", mustFail: true),
        .init(
            name: "stage-built-from-earlier-stage",
            dockerfile: "FROM \(base) AS one\nRUN echo 1 > /one\nFROM one AS two\nRUN echo 2 > /two\nFROM two\nRUN cat /one /two > /both"),
    ]

    static let workdirs: [DockerfileOracleCase] = [
        .init(name: "workdir-absolute-created", dockerfile: "WORKDIR /a\nRUN pwd > /pwd"),
        .init(name: "workdir-relative-to-root", dockerfile: "WORKDIR rel\nRUN pwd > /pwd"),
        .init(name: "workdir-chained", dockerfile: "WORKDIR /a\nWORKDIR b\nWORKDIR c\nRUN pwd > /pwd"),
        .init(name: "workdir-from-env", dockerfile: "ENV D=/data\nWORKDIR $D\nRUN pwd > /pwd"),
        .init(name: "workdir-from-env-braces", dockerfile: "ENV D=/data\nWORKDIR ${D}/sub\nRUN touch here"),
        .init(
            name: "workdir-with-dot-dot", dockerfile: "WORKDIR /a/../b\nRUN pwd > /pwd",
            docker: .init(reason: "Docker records the cleaned path /b; buildah 1.28 records /a/../b") { files, config in
                config.workingDir == "/b" && files.entries["b"]?.type == "dir" && files.entries["a"] == nil
                    ? [] : ["WorkingDir \(config.workingDir ?? "")\n\(files)"]
            }),
        .init(name: "workdir-only-in-config", dockerfile: "WORKDIR /never/used"),
        .init(name: "workdir-under-user", dockerfile: "USER nonroot\nWORKDIR /tmp/work\nRUN touch f"),
        .init(name: "workdir-then-copy-then-run", dockerfile: "WORKDIR /src\nCOPY a.txt .\nCOPY dir ./dir\nRUN ls -R > /listing"),
        .init(name: "workdir-existing-directory", dockerfile: "WORKDIR /etc\nRUN cat group > /g"),
    ]

    static let users: [DockerfileOracleCase] = [
        .init(name: "user-name-run-creates-owned-file", dockerfile: "USER nonroot\nRUN touch /tmp/u"),
        .init(name: "user-name-and-group", dockerfile: "USER nonroot:nonroot\nRUN mkdir /tmp/d && touch /tmp/d/f"),
        .init(name: "user-numeric", dockerfile: "USER 65532\nRUN touch /tmp/n"),
        .init(name: "user-numeric-with-root-group", dockerfile: "USER 65532:0\nRUN touch /tmp/n2"),
        .init(
            name: "user-modifies-root-file",
            dockerfile: "RUN echo 1 > /tmp/shared && chmod 666 /tmp/shared\nUSER nonroot\nRUN echo 2 >> /tmp/shared"),
        .init(name: "user-back-to-root", dockerfile: "USER nonroot\nRUN touch /tmp/a\nUSER root\nRUN touch /tmp/b"),
        .init(name: "user-unknown-numeric", dockerfile: "USER 4321\nRUN touch /tmp/x"),
        // `id` alone differs: the sandbox's user namespace cannot hold supplementary groups (buildah prints
        // groups=65532(nonroot), Slipway no groups); user and primary group are what builds rely on.
        .init(name: "user-id-reported", dockerfile: "USER nonroot\nRUN id -u -n > /tmp/id && id -g -n >> /tmp/id && id -u >> /tmp/id"),
        .init(name: "user-in-config-only", dockerfile: "USER nonroot:nonroot"),
        .init(name: "user-unknown-name-fails", dockerfile: "USER nobody-here\nRUN true", mustFail: true),
    ]

    static let variables: [DockerfileOracleCase] = [
        .init(name: "env-two-forms", dockerfile: "ENV A=1 B=\"two words\"\nENV C three words\nRUN echo \"$A|$B|$C\" > /env"),
        .init(name: "arg-default", dockerfile: "ARG X=def\nRUN echo $X > /x"),
        .init(name: "arg-fallback-expansion", dockerfile: "ARG X\nENV Y=${X:-fallback}\nRUN echo $Y > /y"),
        .init(name: "arg-alternative-expansion", dockerfile: "ARG X=set\nENV Y=${X:+alternative}\nRUN echo $Y > /y"),
        .init(name: "arg-before-from-not-in-stage", dockerfile: "ARG V=1\nFROM \(base)\nRUN echo \"[$V]\" > /v"),
        .init(name: "arg-before-from-redeclared", dockerfile: "ARG V=1\nFROM \(base)\nARG V\nRUN echo \"[$V]\" > /v"),
        .init(name: "arg-in-from", dockerfile: "ARG BASE=\(base)\nFROM ${BASE}\nRUN echo ok > /ok"),
        .init(
            name: "env-not-inherited-across-stages",
            dockerfile: "FROM \(base) AS one\nENV ONLY=one\nFROM \(base)\nRUN echo \"[$ONLY]\" > /only"),
        .init(name: "env-inherited-from-stage-base", dockerfile: "FROM \(base) AS one\nENV KEPT=yes\nFROM one\nRUN echo $KEPT > /kept"),
        .init(name: "env-escaped-dollar", dockerfile: "ENV LITERAL=\\$HOME\nRUN echo \"$LITERAL\" > /lit"),
        .init(name: "env-self-reference", dockerfile: "ENV A=a\nENV A=${A}b\nRUN echo $A > /a"),
        .init(name: "env-same-instruction-uses-old-value", dockerfile: "ENV A=old\nENV A=new B=$A\nRUN echo $B > /b"),
        .init(name: "env-path-extended", dockerfile: "ENV PATH=/custom/bin:$PATH\nRUN echo $PATH > /path"),
        .init(name: "arg-visible-to-run", dockerfile: "ARG BUILD_LEVEL=3\nRUN echo \"level $BUILD_LEVEL\" > /level"),
        .init(name: "env-overrides-arg", dockerfile: "ARG X=arg\nENV X=env\nRUN echo $X > /x"),
        .init(name: "label-with-variables", dockerfile: "ARG VERSION=1.2.3\nLABEL version=$VERSION \"quoted key\"=value"),
        .init(name: "env-quoted-with-spaces-in-config", dockerfile: "ENV GREETING=\"hello world\" EMPTY=\"\""),
    ]

    static let shellsAndCommands: [DockerfileOracleCase] = [
        .init(name: "shell-with-errexit", dockerfile: "SHELL [\"/bin/sh\", \"-ec\"]\nRUN echo hi > /s"),
        .init(name: "shell-busybox-sh", dockerfile: "SHELL [\"/bin/busybox\", \"sh\", \"-c\"]\nRUN echo hi > /s"),
        .init(
            name: "shell-applies-to-cmd", dockerfile: "SHELL [\"/bin/busybox\", \"sh\", \"-c\"]\nCMD echo from shell",
            docker: .init(reason: "Docker's SHELL applies to the shell form of CMD; buildah 1.28 keeps /bin/sh -c") { _, config in
                config.cmd == ["/bin/busybox", "sh", "-c", "echo from shell"] ? [] : ["Cmd \(config.cmd ?? [])"]
            }),
        .init(name: "cmd-shell-form", dockerfile: "CMD echo hello"),
        .init(name: "cmd-json-form", dockerfile: "CMD [\"echo\", \"hello\"]"),
        .init(name: "entrypoint-shell-form", dockerfile: "ENTRYPOINT echo hello"),
        .init(name: "entrypoint-then-cmd", dockerfile: "ENTRYPOINT [\"/bin/sh\"]\nCMD [\"-c\", \"echo x\"]"),
        .init(name: "run-json-form", dockerfile: "RUN [\"/bin/sh\", \"-c\", \"echo json > /j\"]"),
        .init(name: "run-failing-fails", dockerfile: "RUN exit 3", mustFail: true),
        .init(name: "run-line-continuation", dockerfile: "RUN echo one \\\n    two \\\n    three > /cont"),
    ]

    static let dockerignores: [DockerfileOracleCase] = [
        .init(name: "ignore-extension", dockerfile: "COPY . /i/", dockerignore: "*.md\n"),
        .init(name: "ignore-directory", dockerfile: "COPY . /i/", dockerignore: "dir/sub\n"),
        .init(name: "ignore-everything-but", dockerfile: "COPY . /i/", dockerignore: "**\n!a.txt\n"),
        .init(name: "ignore-directory-except-file", dockerfile: "COPY . /i/", dockerignore: "dir\n!dir/.hidden\n"),
        .init(name: "ignore-comments-and-leading-slash", dockerfile: "COPY . /i/", dockerignore: "# comment\n/a.txt\n\n"),
        .init(name: "ignore-dockerfile-itself", dockerfile: "COPY . /i/", dockerignore: "Dockerfile\n.dockerignore\n"),
        .init(name: "ignore-double-star", dockerfile: "COPY . /i/", dockerignore: "**/two.txt\n"),
        .init(name: "ignore-children-but-one", dockerfile: "COPY . /i/", dockerignore: "dir/*\n!dir/sub\n"),
        .init(name: "ignore-question-mark", dockerfile: "COPY . /i/", dockerignore: "?.txt\n"),
        .init(name: "ignore-applies-to-named-source", dockerfile: "COPY dir /i/", dockerignore: "dir/one.txt\n"),
        .init(name: "ignore-trailing-slash-pattern", dockerfile: "COPY . /i/", dockerignore: "other/\n"),
    ]

    static let additions: [DockerfileOracleCase] = [
        .init(name: "add-file", dockerfile: "ADD a.txt /add/"),
        .init(name: "add-directory", dockerfile: "ADD dir /ad"),
        .init(name: "add-with-chown", dockerfile: "ADD --chown=nonroot:nonroot a.txt /add/"),
        .init(name: "add-glob", dockerfile: "ADD *.txt /add/"),
        .init(name: "add-to-dot", dockerfile: "WORKDIR /srv\nADD a.txt ."),
    ]

    static let runChanges: [DockerfileOracleCase] = [
        .init(name: "run-removes-base-file", dockerfile: "RUN rm /etc/group"),
        .init(name: "run-replaces-directory", dockerfile: "RUN rm -r /tmp && mkdir /tmp && echo 1 > /tmp/new"),
        .init(name: "run-changes-mode", dockerfile: "RUN chmod 700 /etc"),
        .init(name: "run-creates-symlink", dockerfile: "RUN busybox ln -s /etc/passwd /tmp/pl"),
        .init(name: "run-creates-hard-link", dockerfile: "RUN echo 1 > /h1 && busybox ln /h1 /h2"),
        .init(name: "run-removes-then-copy-restores", dockerfile: "RUN rm /etc/passwd\nCOPY a.txt /etc/passwd"),
        .init(name: "run-sees-copied-files", dockerfile: "COPY dir /d\nRUN cat /d/one.txt /d/sub/two.txt > /both"),
        .init(name: "run-setuid-mode", dockerfile: "RUN echo x > /su && chmod 4755 /su"),
        .init(name: "run-sticky-directory", dockerfile: "RUN mkdir /shared && chmod 1777 /shared"),
        .init(name: "run-empty-file-and-directory", dockerfile: "RUN mkdir -p /e/f/g && touch /e/empty"),
    ]

    static let configs: [DockerfileOracleCase] = [
        .init(name: "expose-ports", dockerfile: "EXPOSE 80 443/udp 8080/tcp"),
        .init(
            name: "expose-upper-case-protocol", dockerfile: "EXPOSE 8080/TCP",
            docker: .init(reason: "Docker lower-cases the protocol; buildah 1.28 keeps it") { _, config in
                config.exposedPorts?.keys.sorted() == ["8080/tcp"] ? [] : ["ExposedPorts \(config.exposedPorts?.keys.sorted() ?? [])"]
            }),
        .init(
            name: "volumes", dockerfile: "VOLUME /data\nVOLUME [\"/a\", \"/b\"]",
            docker: .init(reason: "Docker's builder only declares volumes; buildah 1.28 creates the JSON form's directories") {
                files, config in
                config.volumes?.keys.sorted() == ["/a", "/b", "/data"] && files.entries["a"] == nil && files.entries["data"] == nil
                    ? [] : ["Volumes \(config.volumes?.keys.sorted() ?? [])\n\(files)"]
            }),
        .init(name: "stopsignal", dockerfile: "STOPSIGNAL SIGTERM"),
        .init(name: "labels", dockerfile: "LABEL a=b \"c d\"=e\nLABEL a=override"),
        .init(name: "env-and-workdir-and-user", dockerfile: "ENV A=1\nWORKDIR /w\nUSER nonroot:nonroot\nCMD [\"sh\"]"),
        .init(
            name: "target-last-stage",
            dockerfile: "FROM \(base) AS first\nRUN echo 1 > /first\nFROM \(base) AS second\nRUN echo 2 > /second"),
    ]
}
