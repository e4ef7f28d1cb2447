import CNetlink
import Glibc

/// A generic-netlink socket for the kernel's "IPVS" family, through libnl-genl-3.
///
/// This is the only file that touches libnl and its pointers. It sends requests built from
/// plain Swift values and returns the kernel's replies as raw bytes; decoding them is pure
/// Swift (``NetlinkMessages``, ``IPVSNetlinkDecoder``), so it is tested on recorded bytes and
/// a malformed reply can only produce an error, never a crash here.
///
/// One socket per read: libnl sockets are not thread-safe and scrapes may overlap.
package final class NetlinkSocket {
    private let socket: OpaquePointer
    /// The IPVS family's id (dynamic; 32 on a fresh kernel).
    let family: Int32

    /// Opens a socket and resolves the family. Resolving by name may load ip_vs on its own
    /// (the kernel requests the module for an unknown family).
    package init(familyName: String = "IPVS", receiveTimeoutSeconds: Int = 5) throws(NetlinkError) {
        guard let socket = nl_socket_alloc() else { throw .system(operation: "nl_socket_alloc", errno: ENOMEM) }
        self.socket = socket
        var connected = false
        defer { if !connected { nl_socket_free(socket) } }
        let status = genl_connect(socket)
        guard status >= 0 else { throw .libnl(operation: "genl_connect", code: status) }
        // libnl asks for an ACK on every request unless told not to; the ACK of a doit request
        // would then be read as the (empty) answer to the next dump.
        nl_socket_disable_auto_ack(socket)
        // Replies come in skbs of up to 32 KiB; a 64 KiB buffer takes each in one recvmsg,
        // without libnl's MSG_PEEK round trip.
        nl_socket_disable_msg_peek(socket)
        _ = nl_socket_set_msg_buf_size(socket, 64 << 10)
        var timeout = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
        _ = setsockopt(nl_socket_get_fd(socket), SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let resolved = genl_ctrl_resolve(socket, familyName)
        guard resolved >= 0 else {
            if -resolved == NLE_OBJ_NOTFOUND { throw .familyNotFound(familyName) }
            throw .libnl(operation: "genl_ctrl_resolve(\(familyName))", code: resolved)
        }
        family = resolved
        connected = true
    }

    deinit {
        nl_socket_free(socket)
    }

    /// Sends one request and returns every reply byte for it: for a dump, all messages up to
    /// and including NLMSG_DONE; for a doit request, its one answer (or the error). A command
    /// that changes state answers nothing when it succeeds, so `acknowledged` asks for an ACK
    /// to wait for instead.
    package func request(
        command: UInt8, dump: Bool, acknowledged: Bool = false, attributes: [NetlinkRequestAttribute] = [],
        recording: Bool = false
    ) throws(NetlinkError) -> NetlinkReply {
        guard let message = nlmsg_alloc() else { throw .system(operation: "nlmsg_alloc", errno: ENOMEM) }
        defer { nlmsg_free(message) }
        let flags = (dump ? NLM_F_DUMP : 0) | (acknowledged ? NLM_F_ACK : 0)
        guard genlmsg_put(message, UInt32(NL_AUTO_PORT), UInt32(NL_AUTO_SEQ), family, 0, flags, command, 1) != nil else {
            throw .libnl(operation: "genlmsg_put", code: -NLE_NOMEM)
        }
        try put(attributes, into: message)
        let sent = nl_send_auto(socket, message)
        guard sent >= 0 else { throw .libnl(operation: "nl_send_auto", code: sent) }
        let sequence = nlmsg_hdr(message).pointee.nlmsg_seq
        let port = nl_socket_get_local_port(socket)

        var reply = NetlinkReply(sequence: sequence, port: port, recording: recording)
        while !reply.complete {
            var peer = sockaddr_nl()
            var buffer: UnsafeMutablePointer<UInt8>?
            let count = nl_recv(socket, &peer, &buffer, nil)
            defer { free(buffer) }
            if count < 0 {
                if -count == NLE_AGAIN { throw .timeout(command: command) }
                throw .libnl(operation: "nl_recv", code: count)
            }
            if count == 0 { throw .truncated("the kernel closed the socket mid-reply") }
            guard let buffer else { throw .truncated("nl_recv returned no buffer") }
            let bytes = Array(UnsafeBufferPointer(start: buffer, count: Int(count)))
            do throws(NetlinkError) { try reply.absorb(bytes, dump: dump) } catch {
                // The reply does not say which command it refuses; the request does.
                if case .kernel(_, let errno) = error { throw NetlinkError.kernel(command: command, errno: errno) }
                throw error
            }
        }
        return reply
    }

    private func put(_ attributes: [NetlinkRequestAttribute], into message: OpaquePointer) throws(NetlinkError) {
        for attribute in attributes {
            var status: Int32 = 0
            switch attribute {
            case .u16(let type, let value):
                status = nla_put_u16(message, Int32(type), value)
            case .u32(let type, let value):
                status = nla_put_u32(message, Int32(type), value)
            case .bytes(let type, let value):
                status = value.withUnsafeBytes { nla_put(message, Int32(type), Int32($0.count), $0.baseAddress) }
            case .nested(let type, let children):
                guard let nest = nla_nest_start(message, Int32(type)) else {
                    throw .libnl(operation: "nla_nest_start", code: -NLE_NOMEM)
                }
                try put(children, into: message)
                status = nla_nest_end(message, nest)
            }
            guard status >= 0 else { throw .libnl(operation: "nla_put", code: status) }
        }
    }

    /// libnl's text for one of its (negative) error codes.
    static func describe(_ code: Int32) -> String {
        String(cString: nl_geterror(code))
    }
}
