/// The files of `slipway up`'s demo workspace: an application repository laid out as seed 000's (CI: test,
/// multi-stage image build, push with short-SHA tags; CD through `workflow_run`: `kustomize edit set image` on the
/// QA overlay, commit, push) and a GitOps repository carrying seed 002's Istio objects and a `Canary` with seed 002's
/// default flow. The application is a busybox httpd CGI so that the demo needs nothing from the network.
enum DemoFiles {
    static let baseImage = "slipway-demo/busybox:host"
    static let imageName = "my-app"

    /// The application's source tree; `app.conf` is what the good and the bad commit change.
    static func application(greeting: String, errorPercent: Int) -> [String: String] {
        [
            "README.md": """
                # my-app

                The demo application of `slipway up`: one CGI handler behind busybox httpd. `app.conf` sets the greeting and,
                for the demo's bad release, the share of requests that fail. Push to `main` and `slipway up --watch` builds,
                releases and verifies it as a canary.

                """,
            "app.conf": appConfig(greeting: greeting, errorPercent: errorPercent),
            "www/healthz": "ok\n",
            "www/cgi-bin/index.cgi": """
                #!/bin/sh
                # Answers with a greeting and the version that served it (X-App-Version), or with a 500 for ERROR_PERCENT
                # of the requests.
                . "${APP_CONF:-/etc/my-app/app.conf}"
                version="${APP_VERSION:-dev}"
                if [ "${ERROR_PERCENT:-0}" -gt 0 ] && [ $((RANDOM % 100)) -lt "$ERROR_PERCENT" ]; then
                  printf 'HTTP/1.1 500 Internal Server Error\\r\\nContent-Type: text/plain\\r\\nX-App-Version: %s\\r\\n\\r\\nerror: something went wrong\\n' "$version"
                  exit 0
                fi
                printf 'Content-Type: text/plain\\r\\nX-App-Version: %s\\r\\n\\r\\n%s from %s (%s)\\n' "$version" "$GREETING" "$version" "${HOSTNAME:-?}"

                """,
            "test.sh": """
                #!/bin/sh
                # Unit test of the handler: a normal answer carries the greeting and the version; a failure is a 500.
                set -eu
                dir="${TMPDIR:-/tmp}/my-app-test.$$"
                mkdir -p "$dir"
                trap 'rm -rf "$dir"' EXIT
                printf 'GREETING="hi"\\nERROR_PERCENT=0\\n' >"$dir/ok.conf"
                out=$(APP_CONF="$dir/ok.conf" APP_VERSION=test sh www/cgi-bin/index.cgi)
                echo "$out" | grep -q 'X-App-Version: test' || { echo "FAIL: no version header in: $out"; exit 1; }
                echo "$out" | grep -q 'hi from test' || { echo "FAIL: no greeting in: $out"; exit 1; }
                printf 'GREETING="hi"\\nERROR_PERCENT=100\\n' >"$dir/fail.conf"
                out=$(APP_CONF="$dir/fail.conf" APP_VERSION=test sh www/cgi-bin/index.cgi)
                echo "$out" | grep -q '500 Internal Server Error' || { echo "FAIL: expected a 500, got: $out"; exit 1; }
                . ./app.conf
                [ -n "$GREETING" ] || { echo "FAIL: app.conf sets no GREETING"; exit 1; }
                echo "ok: the handler answers with its version, and fails as told"

                """,
            "Dockerfile": """
                # Multi-stage, as seed 000's: the first stage tests, the second is what runs.
                FROM \(baseImage) AS test
                WORKDIR /src
                COPY . .
                RUN sh test.sh

                FROM \(baseImage)
                COPY --from=test /src/www /www
                COPY --from=test /src/app.conf /etc/my-app/app.conf
                ARG APP_VERSION=dev
                ENV APP_VERSION=${APP_VERSION}
                EXPOSE 8080
                CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]

                """,
            ".dockerignore": ".git\n.slipway\n",
            ".gitignore": ".slipway/\n",
            ".github/workflows/ci.yml": ciWorkflow,
            ".github/workflows/cd.yml": cdWorkflow,
        ]
    }

    static func appConfig(greeting: String, errorPercent: Int) -> String {
        "GREETING=\"\(greeting)\"\nERROR_PERCENT=\(errorPercent)\n"
    }

    /// Seed 000's CI workflow with Slipway's registry (`vars.REGISTRY`) in place of ECR and the Go test in place of a
    /// shell test.
    static let ciWorkflow = """
        name: CI - Build and Push
        on:
          push:
            branches: ["main", "release/*"]
            tags: ["v*"]
          pull_request:
            branches: ["main"]
        # 同一分支只保留最新一次运行,旧的自动取消
        concurrency:
          group: ci-${{ github.ref }}
          cancel-in-progress: true
        env:
          REGISTRY: ${{ vars.REGISTRY }}
          IMAGE_NAME: \(imageName)
        jobs:
          test:
            name: 单元测试
            runs-on: ubuntu-latest
            steps:
              - name: 检出代码
                uses: actions/checkout@v4
              - name: 运行测试
                run: sh test.sh
          build-and-push:
            name: 构建并推送镜像
            runs-on: ubuntu-latest
            needs: test
            if: github.event_name != 'pull_request'
            outputs:
              image-tag: ${{ steps.meta.outputs.image-tag }}
              image-digest: ${{ steps.build.outputs.digest }}
            steps:
              - name: 检出代码
                uses: actions/checkout@v4
              - name: 设置 Docker Buildx
                uses: docker/setup-buildx-action@v3
              # push to main → SHORT_SHA, main-latest; release/1.2 → SHORT_SHA, release-1.2-latest; tag v1.2.3 → v1.2.3, SHORT_SHA, latest
              - name: 生成镜像元数据
                id: meta
                run: |
                  SHORT_SHA=$(echo "${{ github.sha }}" | cut -c1-8)
                  REF_SLUG=$(echo "${{ github.ref_name }}" | sed 's/[^a-zA-Z0-9._-]/-/g')
                  IMAGE="${{ env.REGISTRY }}/${{ env.IMAGE_NAME }}"
                  if [[ "${{ github.ref }}" == refs/tags/* ]]; then
                    TAGS="${IMAGE}:${{ github.ref_name }},${IMAGE}:${SHORT_SHA},${IMAGE}:latest"
                  else
                    TAGS="${IMAGE}:${SHORT_SHA},${IMAGE}:${REF_SLUG}-latest"
                  fi
                  echo "tags=${TAGS}" >> $GITHUB_OUTPUT
                  echo "image-tag=${SHORT_SHA}" >> $GITHUB_OUTPUT
              - name: 构建并推送镜像
                id: build
                uses: docker/build-push-action@v6
                with:
                  context: .
                  push: true
                  tags: ${{ steps.meta.outputs.tags }}
                  build-args: |
                    APP_VERSION=${{ steps.meta.outputs.image-tag }}
              - name: 输出镜像信息
                run: |
                  echo "镜像 digest: ${{ steps.build.outputs.digest }}"
                  echo "镜像 tag: ${{ steps.meta.outputs.image-tag }}"

        """

    /// Seed 000's CD workflow; the commit carries a `Slipway-Run:` trailer naming the CI run, so the release record
    /// links back to it.
    static let cdWorkflow = """
        name: CD - Update GitOps
        on:
          workflow_run:
            workflows: ["CI - Build and Push"]
            types: [completed]
            branches: ["main", "release/*"]
          workflow_dispatch:
            inputs:
              image-tag:
                description: "镜像 tag(commit sha)"
                required: true
              environment:
                description: "目标环境"
                required: true
                type: choice
                options: ["qa", "pre"]
        env:
          REGISTRY: ${{ vars.REGISTRY }}
        jobs:
          update-gitops:
            name: 更新 GitOps 仓库
            runs-on: ubuntu-latest
            if: |
              github.event_name == 'workflow_dispatch' ||
              github.event.workflow_run.conclusion == 'success'
            steps:
              - name: 确定镜像 tag
                id: vars
                run: |
                  if [[ "${{ github.event_name }}" == "workflow_dispatch" ]]; then
                    echo "image-tag=${{ inputs.image-tag }}" >> $GITHUB_OUTPUT
                    echo "environment=${{ inputs.environment }}" >> $GITHUB_OUTPUT
                  else
                    SHORT_SHA=$(echo "${{ github.event.workflow_run.head_sha }}" | cut -c1-8)
                    echo "image-tag=${SHORT_SHA}" >> $GITHUB_OUTPUT
                    echo "environment=qa" >> $GITHUB_OUTPUT
                  fi
              - name: 检出 GitOps 仓库
                uses: actions/checkout@v4
                with:
                  repository: my-org/gitops-config
                  token: ${{ secrets.GITOPS_TOKEN }}
                  path: gitops
              - name: 安装 kustomize
                uses: imranismail/setup-kustomize@v2
              - name: 更新镜像 tag
                working-directory: gitops/overlays/${{ steps.vars.outputs.environment }}/my-app
                run: |
                  TAG="${{ steps.vars.outputs.image-tag }}"
                  kustomize edit set image "\(imageName)=${{ env.REGISTRY }}/\(imageName):${TAG}"
                  echo "已更新镜像: ${{ env.REGISTRY }}/\(imageName):${TAG}"
              - name: 提交并推送变更
                working-directory: gitops
                run: |
                  git config user.name "github-actions[bot]"
                  git config user.email "github-actions[bot]@users.noreply.github.com"
                  git add -A
                  git diff --cached --quiet && echo "无变更,跳过提交" && exit 0
                  git commit -m "chore(deploy): update my-app to ${{ steps.vars.outputs.image-tag }}" \\
                    -m "Environment: ${{ steps.vars.outputs.environment }}" \\
                    -m "Slipway-Run: ${{ github.event.workflow_run.id || github.run_id }}"
                  git push

        """

    /// The GitOps repository: `base/my-app` (Deployment, Service, seed 002's DestinationRule and VirtualService, the
    /// Canary) and one overlay per environment, each with its own namespace and host.
    static func gitops(prometheus: String?) -> [String: String] {
        var files: [String: String] = [
            "README.md": """
                # gitops-config

                Desired state of my-app. CD sets the QA overlay's image; Slipway syncs `overlays/qa/my-app` to the local
                target and releases each new version as a canary (`base/my-app/canary.yaml`). Slipway alone writes the
                VirtualService's weights; git's 100/0 only counts when the route is first created.

                """,
            "base/my-app/kustomization.yaml": """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                - deployment.yaml
                - istio.yaml
                - canary.yaml
                labels:
                - pairs:
                    app.kubernetes.io/name: my-app

                """,
            "base/my-app/deployment.yaml": """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: my-app
                spec:
                  replicas: 2
                  selector:
                    matchLabels:
                      app: my-app
                  strategy:
                    rollingUpdate:
                      maxSurge: 1
                      maxUnavailable: 0
                  template:
                    metadata:
                      labels:
                        app: my-app
                        version: primary
                    spec:
                      containers:
                      - name: my-app
                        image: \(imageName)
                        ports:
                        - containerPort: 8080
                        readinessProbe:
                          httpGet:
                            path: /healthz
                            port: 8080
                          periodSeconds: 1
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: my-app-service
                spec:
                  selector:
                    app: my-app
                  ports:
                  - name: http
                    port: 80
                    targetPort: 8080

                """,
            "base/my-app/istio.yaml": """
                apiVersion: networking.istio.io/v1beta1
                kind: DestinationRule
                metadata:
                  name: my-app-dr
                spec:
                  host: my-app-service
                  subsets:
                  - name: primary
                    labels:
                      version: primary
                  - name: canary
                    labels:
                      version: canary
                ---
                apiVersion: networking.istio.io/v1beta1
                kind: VirtualService
                metadata:
                  name: my-app-vs
                spec:
                  hosts:
                  - my-app-service
                  http:
                  - route:
                    - destination:
                        host: my-app-service
                        subset: primary
                      weight: 100
                    - destination:
                        host: my-app-service
                        subset: canary
                      weight: 0

                """,
            "base/my-app/canary.yaml": canary(prometheus: prometheus),
        ]
        for (environment, replicas) in [("qa", 2), ("pre", 2), ("prod", 3)] {
            files["overlays/\(environment)/my-app/kustomization.yaml"] = """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                namespace: my-app-\(environment)
                resources:
                - ../../../base/my-app
                images:
                - name: \(imageName)
                labels:
                - pairs:
                    environment: \(environment)
                replicas:
                - name: my-app
                  count: \(replicas)
                patches:
                - target:
                    kind: VirtualService
                    name: my-app-vs
                  patch: |-
                    - op: add
                      path: /spec/hosts/-
                      value: \(host(environment))

                """
        }
        return files
    }

    /// The name the mesh answers to for an environment (`*.localhost` resolves to 127.0.0.1 in curl and browsers).
    static func host(_ environment: String) -> String { "\(environment).my-app.localhost" }

    /// The strategy next to the Deployment: no steps, so seed 002's flow (10 %, analysis, a manual gate, promotion).
    static func canary(prometheus: String?) -> String {
        var text = """
            # Slipway's canary strategy for my-app (docs/releases.md). With no steps: setWeight 10, analysis of the
            # canary's success rate and p99 latency, a manual gate (`slipway rollout promote`), promotion, clean-up.
            apiVersion: slipway.dev/v1
            kind: Canary
            metadata:
              name: my-app
            spec:
              deployment: my-app
              service: my-app-service
              virtualService:
                name: my-app-vs
              destinationRule:
                name: my-app-dr
                stableSubset: primary
                canarySubset: canary

            """
        if let prometheus {
            text += """
                  # The built-in templates query Prometheus (Istio's metric names) instead of the local target's counters.
                  prometheus:
                    address: \(prometheus)

                """
        }
        return text
    }
}
