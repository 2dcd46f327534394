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
    /// A derived index of incidents under `.ward/cache/NAME-BUILD/`, one entry per incident, built from the
    /// incident's files: what `decode` makes of each entry, in `incidentIDs()` order, and from the files where
    /// an entry cannot be had. The files are read below `incidents/` held open, and their signatures taken by
    /// `fstat` as they are read.
    private func incidentIndex<Value: Sendable>(_ name: String, progress: LoadProgress? = nil,
                                                build: @escaping @Sendable (Incident) -> [UInt8],
                                                decode: @escaping @Sendable (String, ArraySlice<UInt8>) -> Value?,
                                                direct: (String) -> Value) -> [Value] {
        let ids = incidentIDs()
        let suffixes = Self.incidentFiles.map { "/" + $0 }
        let cache = DerivedCache(root: root.path, name: name, base: Self.incidentsDirectory, files: suffixes,
                                 writable: !isReadOnly, progress: progress)
        let incidents = files.recordDirectory(Self.incidentsDirectory)
        let values = cache.values(for: ids, signedBuild: { id, directory in
            if let incidents {
                let (incident, signatures) = self.loadIncident(id, from: incidents)
                return (build(incident), signatures)
            }
            let signatures = suffixes.map { FileSignature.of(id, $0, in: directory) }
            return (build(self.loadIncident(id)), signatures)
        }, decode: decode)
        // Nil only if an entry just built does not decode, which would be a bug; the files still answer.
        return zip(ids, values).map { id, value in value ?? direct(id) }
    }

    /// Every incident's summary, in `incidentIDs()` order: from the derived cache where it still holds, else
    /// from the files (and the cache is brought up to date).
    public func incidentSummaries(progress: LoadProgress? = nil) -> [IncidentSummary] {
        incidentIndex("incidents", progress: progress, build: { IncidentSummary($0).encoded() }, decode: { id, payload in
            payload.withUnsafeBytes { bytes in
                var reader = ByteReader(bytes)
                guard let summary = try? IncidentSummary(from: &reader, id: id, payload: payload), reader.isAtEnd else { return nil }
                return summary
            }
        }, direct: { IncidentSummary(self.loadIncident($0)) })
    }

    /// Every incident as `incident list` needs it, in `incidentIDs()` order.
    public func incidentListings() -> [IncidentListing] {
        @Sendable func listing(_ summary: IncidentSummary) -> IncidentListing {
            IncidentListing(id: summary.id, declared: summary.declared, isActive: summary.isActive,
                            json: ArraySlice(summary.jsonBytes))
        }
        return incidentIndex("incident-listings", build: { incident in
            let summary = IncidentSummary(incident)
            var writer = ByteWriter()
            writer.date(summary.declared)
            writer.bool(summary.isActive)
            writer.rawBytes(summary.jsonBytes)
            return writer.bytes
        }, decode: { id, payload in
            payload.withUnsafeBytes { bytes -> IncidentListing? in
                var reader = ByteReader(bytes)
                guard let declared = try? reader.date(), let active = try? reader.bool(),
                      let json = try? reader.rawRange(), reader.isAtEnd else { return nil }
                return IncidentListing(id: id, declared: declared, isActive: active,
                                       json: payload[(payload.startIndex + json.lowerBound)..<(payload.startIndex + json.upperBound)])
            }
        }, direct: { listing(IncidentSummary(self.loadIncident($0))) })
    }
}
