using System.Text;

namespace Workbook.Reports;

/// <summary>Writes a file so readers see the old content or the new, never half of it: a temp file, then a rename.</summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string contents) =>
        Write(path, temp => File.WriteAllText(temp, contents, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)));

    /// <summary>
    /// <paramref name="writeTemp"/> writes the whole file at the temp path it is given (in the target's folder, created if
    /// missing); the temp file then replaces <paramref name="path"/>, or is deleted if writing threw.
    /// </summary>
    public static void Write(string path, Action<string> writeTemp)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            writeTemp(temp);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
