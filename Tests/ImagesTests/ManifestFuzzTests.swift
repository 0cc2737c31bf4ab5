import Foundation
import OCI
import SlipwayTesting
import Testing

/// Random mutations of image manifests and indexes, as a registry receives them on push and a client on pull: the
/// registry's validator accepts them or names the JSON path at fault, and the client's decoder accepts them or
/// refuses them with an error — never a crash or a hang. `SLIPWAY_FUZZ_COUNT` sets how many (1,000 here).
@Suite struct ManifestFuzzTests {
    static let fragments = [
        "{", "}", "[", "]", ",", ":", "\"", "\\", "null", "true", "-1", "1e400", "0.5", "\"sha256:\"", "\"\"", "\u{0}", "é",
        "\"schemaVersion\":", "\"mediaType\":", "\"digest\":", "\"size\":", "\"layers\":", "\"manifests\":", "\"subject\":",
    ]

    static var count: Int { ProcessInfo.processInfo.environment["SLIPWAY_FUZZ_COUNT"].flatMap(Int.init) ?? 1_000 }

    /// Manifests written one field per line, so the line-oriented mutations cut them at their joints.
    static let corpus: [String] = {
        let digest = { (seed: String) in Digest.sha256(of: Data(seed.utf8)).description }
        func descriptor(_ type: String, _ seed: String, size: Int, extra: String = "") -> String {
            "{\n\"mediaType\": \"\(type)\",\n\"digest\": \"\(digest(seed))\",\n\"size\": \(size)\(extra)\n}"
        }
        let layers = (0..<3).map { descriptor(MediaType.ociLayerGzip, "layer\($0)", size: 100 * ($0 + 1)) }
        return [
            "{\n\"schemaVersion\": 2,\n\"mediaType\": \"\(MediaType.ociManifest)\",\n\"config\": \(descriptor(MediaType.ociConfig, "c", size: 2)),\n"
                + "\"layers\": [\n\(layers.joined(separator: ",\n"))\n],\n\"annotations\": {\n\"a\": \"b\"\n}\n}",
            "{\n\"schemaVersion\": 2,\n\"mediaType\": \"\(MediaType.dockerManifest)\",\n\"config\": \(descriptor(MediaType.dockerConfig, "d", size: 9)),\n"
                + "\"layers\": [\n\(descriptor(MediaType.dockerLayerGzip, "l", size: 7))\n]\n}",
            "{\n\"schemaVersion\": 2,\n\"mediaType\": \"\(MediaType.ociIndex)\",\n\"manifests\": [\n"
                + descriptor(
                    MediaType.ociManifest, "m1", size: 500, extra: ",\n\"platform\": {\n\"os\": \"linux\",\n\"architecture\": \"amd64\"\n}")
                + ",\n" + descriptor(MediaType.ociManifest, "m2", size: 501) + "\n]\n}",
            "{\n\"schemaVersion\": 2,\n\"mediaType\": \"\(MediaType.ociManifest)\",\n\"artifactType\": \"application/x.sbom\",\n"
                + "\"config\": \(descriptor("application/vnd.oci.empty.v1+json", "{}", size: 2)),\n\"layers\": [],\n"
                + "\"subject\": \(descriptor(MediaType.ociManifest, "s", size: 10))\n}",
        ]
    }()

    @Test func theCorpusIsValid() throws {
        for text in Self.corpus { _ = try ManifestValidator.validate(Data(text.utf8), contentType: nil) }
    }

    @Test func mutantsAreAcceptedOrRefusedWithAPath() {
        var mutator = Mutator(seed: 0x0C1, fragments: Self.fragments)
        var accepted = 0
        var refused = 0
        for iteration in 0..<Self.count {
            let data = Data(mutator.mutate(Self.corpus[mutator.below(Self.corpus.count)]).utf8)
            do {
                let checked = try ManifestValidator.validate(data, contentType: nil)
                accepted += 1
                // What the registry accepts, a client can read.
                if MediaType.isIndex(checked.mediaType) {
                    _ = try CanonicalJSON.decode(ImageIndex.self, from: data, what: "index")
                } else {
                    _ = try CanonicalJSON.decode(ImageManifest.self, from: data, what: "manifest")
                }
            } catch let problem as ManifestValidator.Problem {
                refused += 1
                #expect(!problem.path.isEmpty && !problem.message.isEmpty, "iteration \(iteration)")
                // The client refuses what the registry refuses, or reads it without crashing.
                _ = try? CanonicalJSON.decode(ImageManifest.self, from: data, what: "manifest")
            } catch {
                Issue.record(
                    "iteration \(iteration): the validator accepted what a client cannot read: \(error)\n\(String(decoding: data, as: UTF8.self))"
                )
            }
        }
        #expect(accepted > Self.count / 20 && refused > Self.count / 4, "accepted \(accepted), refused \(refused)")
    }
}
