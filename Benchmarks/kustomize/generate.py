#!/usr/bin/env python3
"""Generates the kustomize benchmark trees (shape from ../shared/notes/kustomize.md §15).

generate.py repo DIR          200 apps x overlays/{qa,pre,prod}: base = Deployment + Service + configMapGenerator +
                              labels (includeSelectors); overlay = namespace + labels + images newTag + replicas +
                              generator behavior merge; prod adds namePrefix, an SMP patch file and an inline JSON6902.
generate.py big DIR N         one overlay over a base of N resources (half Deployments, a quarter Services, a quarter
                              ConfigMaps) with namespace, namePrefix, labels includeSelectors, commonAnnotations,
                              50 images entries and one JSON6902 patch on all Deployments.
"""
import os, sys

def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(text)

def deployment(name, image):
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
      - name: {name}
        image: {image}:1.0.0
        ports:
        - containerPort: 8080
        envFrom:
        - configMapRef:
            name: {name}-config
        resources:
          limits:
            cpu: 500m
            memory: 256Mi
"""

def service(name):
    return f"""apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  selector:
    app: {name}
  ports:
  - port: 80
    targetPort: 8080
"""

def repo(root):
    for i in range(200):
        app = f"app-{i:03d}"
        base = f"{root}/gitops/base/{app}"
        write(f"{base}/deployment.yaml", deployment(app, f"ghcr.io/acme/{app}"))
        write(f"{base}/service.yaml", service(app))
        write(f"{base}/kustomization.yaml", f"""resources:
- deployment.yaml
- service.yaml
configMapGenerator:
- name: {app}-config
  literals:
  - LOG_LEVEL=info
  - APP={app}
labels:
- pairs:
    app.kubernetes.io/name: {app}
  includeSelectors: true
""")
        for env, replicas in (("qa", 1), ("pre", 2), ("prod", 3)):
            overlay = f"{root}/gitops/overlays/{env}/{app}"
            text = f"""resources:
- ../../../base/{app}
namespace: {env}
labels:
- pairs:
    environment: {env}
images:
- name: ghcr.io/acme/{app}
  newTag: sha-{i:07x}
replicas:
- name: {app}
  count: {replicas}
configMapGenerator:
- name: {app}-config
  behavior: merge
  literals:
  - LOG_LEVEL={'debug' if env == 'qa' else 'info'}
"""
            if env == "prod":
                text += f"""namePrefix: prod-
patches:
- path: resources.yaml
- target:
    kind: Deployment
  patch: |-
    - op: add
      path: /spec/template/metadata/annotations
      value:
        prometheus.io/scrape: "true"
"""
                write(f"{overlay}/resources.yaml", f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {app}
spec:
  template:
    spec:
      containers:
      - name: {app}
        resources:
          limits:
            cpu: "1"
            memory: 512Mi
""")
            write(f"{overlay}/kustomization.yaml", text)

def big(root, n):
    deployments, services = n // 2, n // 4
    configmaps = n - deployments - services
    docs = [deployment(f"d{i:04d}", f"registry.example.com/team/img{i % 50:02d}") for i in range(deployments)]
    docs += [service(f"d{i:04d}") for i in range(services)]
    docs += [f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d{i:04d}-config\ndata:\n  key: value-{i}\n" for i in range(configmaps)]
    write(f"{root}/base/resources.yaml", "---\n".join(docs))
    write(f"{root}/base/kustomization.yaml", "resources:\n- resources.yaml\n")
    images = "".join(f"- name: registry.example.com/team/img{i:02d}\n  newTag: v{i}.0\n" for i in range(50))
    write(f"{root}/overlay/kustomization.yaml", f"""resources:
- ../base
namespace: big
namePrefix: big-
labels:
- pairs:
    tier: backend
  includeSelectors: true
commonAnnotations:
  owner: platform
images:
{images}patches:
- target:
    kind: Deployment
  patch: |-
    - op: replace
      path: /spec/replicas
      value: 2
""")

if __name__ == "__main__":
    if sys.argv[1] == "repo":
        repo(sys.argv[2])
    else:
        big(sys.argv[2], int(sys.argv[3]))
