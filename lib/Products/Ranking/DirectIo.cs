using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Workbook.Products.Ranking;

/// <summary>
/// Opening a file with O_DIRECT (reads and writes that bypass the page cache: aligned buffers, offsets and lengths),
/// which .NET's <see cref="FileOptions"/> cannot ask for. x64 Linux only: elsewhere, or where the file system refuses
/// it (tmpfs), <see cref="Open"/> returns null and the caller uses an ordinary file.
/// </summary>
internal static class DirectIo
{
    /// <summary>The alignment of buffers, offsets and lengths the callers keep to (a page; every device's block fits in it).</summary>
    public const int Align = 4096;

    /// <summary><paramref name="n"/> rounded down to a whole number of <see cref="Align"/> pages.</summary>
    public static long Down(long n) => n / Align * Align;

    /// <summary><paramref name="n"/> rounded up to a whole number of <see cref="Align"/> pages.</summary>
    public static long Up(long n) => (n + Align - 1) / Align * Align;

    // open(2) flags on x86-64 Linux.
    public const int WriteOnly = 1, ReadWrite = 2, Create = 0x40, Exclusive = 0x80, Truncate = 0x200;
    private const int Direct = 0x4000, CloseOnExec = 0x80000;

    /// <summary>The file opened with <paramref name="flags"/> and O_DIRECT, or null where that is not available.</summary>
    public static SafeFileHandle? Open(string path, int flags, int mode)
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return null;
        var fd = open(path, flags | Direct | CloseOnExec, mode);
        return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Removes the name of a file (an open descriptor keeps the file until it closes).</summary>
    public static void Unlink(string path) => unlink(path);

    [DllImport("libc", SetLastError = true)]
    private static extern int open(string path, int flags, int mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int unlink(string path);
}
