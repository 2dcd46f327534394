import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One incident as `incident list` prints it: what it sorts and filters by, and its JSON text, kept ready.
public struct IncidentListing: Sendable {
    public var id: String
    public var declared: Date
    public var isActive: Bool
    /// `IncidentSummary.json` as compact UTF-8 text.
    public var json: ArraySlice<UInt8>
}

extension Store {
    /// A derived index of incidents under `.ward/cache/NAME-vN/`, one entry per incident, built from its
    /// `incident.md` and `timeline.jsonl`.
    private func incidentPayloads(_ name: String, progress: LoadProgress? = nil,
                                  build: @escaping @Sendable (IncidentSummary) -> [UInt8])
        -> (ids: [String], payloads: [ArraySlice<UInt8>]) {
        let ids = incidentIDs()
        let cache = DerivedCache(root: root.path, name: name, base: Self.incidentsDirectory, writable: !isReadOnly,
                                 progress: progress)
        let payloads = cache.payloads(for: ids, files: { id in [id + "/incident.md", id + "/timeline.jsonl"] },
                                      build: { id in build(IncidentSummary(self.loadIncident(id))) })
        return (ids, payloads)
    }

    /// Every incident's summary, in `incidentIDs()` order: from the derived cache where it still holds, else
    /// from the files (and the cache is brought up to date).
    public func incidentSummaries(progress: LoadProgress? = nil) -> [IncidentSummary] {
        let (ids, payloads) = incidentPayloads("incident-summaries", progress: progress) { $0.encoded() }
        return zip(ids, payloads).map { id, payload in
            let decoded = payload.withUnsafeBytes { bytes -> IncidentSummary? in
                var reader = ByteReader(bytes)
                guard let summary = try? IncidentSummary(from: &reader), reader.isAtEnd else { return nil }
                return summary
            }
            // Only a cache Ward did not write could fail here; the files still answer.
            return decoded ?? IncidentSummary(loadIncident(id))
        }
    }

    /// Every incident as `incident list` needs it, in `incidentIDs()` order.
    public func incidentListings() -> [IncidentListing] {
        let (ids, payloads) = incidentPayloads("incident-listings") { summary in
            var writer = ByteWriter()
            writer.date(summary.declared)
            writer.bool(summary.isActive)
            writer.string(summary.json.jsonText)
            return writer.bytes
        }
        return zip(ids, payloads).map { id, payload in
            let decoded = payload.withUnsafeBytes { bytes -> IncidentListing? in
                var reader = ByteReader(bytes)
                guard let declared = try? reader.date(), let active = try? reader.bool(),
                      let json = try? reader.rawRange() else { return nil }
                return IncidentListing(id: id, declared: declared, isActive: active,
                                       json: payload[(payload.startIndex + json.lowerBound)..<(payload.startIndex + json.upperBound)])
            }
            if let decoded { return decoded }
            let summary = IncidentSummary(loadIncident(id))
            return IncidentListing(id: id, declared: summary.declared, isActive: summary.isActive,
                                   json: ArraySlice(summary.json.jsonText.utf8))
        }
    }
}
