import { useMutation } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useInvalidateFirmware } from '../api/firmware';
import { uploadFirmware, type UploadFirmwareInput, type UploadProgress } from '../api/upload-firmware';

export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/**
 * One firmware upload at a time, with its progress and a way to cancel it. Leaving the page
 * cancels an upload in flight.
 */
export function useFirmwareUpload() {
  const invalidate = useInvalidateFirmware();
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const controller = useRef<AbortController | null>(null);

  const mutation = useMutation({
    mutationFn: (input: UploadFirmwareInput) => {
      controller.current?.abort();
      const current = new AbortController();
      controller.current = current;
      setProgress(null);
      return uploadFirmware(input, { signal: current.signal, onProgress: setProgress });
    },
    onSuccess: invalidate,
    onSettled: () => {
      controller.current = null;
    },
  });

  useEffect(
    () => () => {
      controller.current?.abort();
    },
    [],
  );

  const cancel = useCallback(() => {
    controller.current?.abort();
  }, []);

  const { reset } = mutation;
  const clear = useCallback(() => {
    setProgress(null);
    reset();
  }, [reset]);

  return {
    upload: mutation.mutate,
    isUploading: mutation.isPending,
    error: mutation.error,
    cancelled: isAbortError(mutation.error),
    uploaded: mutation.data,
    progress,
    cancel,
    reset: clear,
  };
}
