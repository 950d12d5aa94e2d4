/**
 * OCI layers: writing reproducible layer blobs and applying (possibly hostile) layers to a directory.
 *
 * <ul>
 *   <li>{@link dev.berth.oci.layer.LayerWriter} writes a directory tree ({@link dev.berth.oci.layer.LayerTree}) or a
 *       list of {@link dev.berth.oci.layer.LayerEntry} as a sorted, fixed-time tar, compressed by
 *       {@link dev.berth.oci.layer.Compressors}, and returns the blob descriptor and diffID computed in the same pass.
 *   <li>{@link dev.berth.oci.layer.LayerExtractor} applies a layer with OCI whiteout semantics, refusing anything
 *       that could write outside the target or exhaust memory.
 * </ul>
 *
 * Tar is read and written by this package's own small codec (TarReader, TarWriter) rather than Commons Compress, so
 * that every header byte written is fixed and every header read is bounded before it is buffered.
 */
package dev.berth.oci.layer;
