# Kubernetes manifests (deploy/kubernetes/): included at the end of the top-level Makefile.

.PHONY: test-kubernetes kubernetes-rules

test-kubernetes: ## Validate deploy/kubernetes offline: schemas, CRDs, promtool, generated rules up to date
	@scripts/ensure-packages prometheus python3 python3-yaml python3-jsonschema python3-venv curl
	Tests/Kubernetes/validate.sh

kubernetes-rules: ## Regenerate deploy/kubernetes/prometheusrule.yaml from dashboards/ipvs-alerts.yaml
	deploy/kubernetes/generate-prometheusrule.py
