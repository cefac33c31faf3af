/**
 * The attachments chunk's strings, every locale in one table: the chunk is fetched on first use only, and
 * carrying five small tables is cheaper than a second request. `{x}` marks a placeholder, as in locales.ts.
 */
export type AttachStrings = {
  toSend: string;
  remove: string;
  tooMany: string;
  uploading: string;
  progress: string;
  cancel: string;
  lost: string;
  tooLarge: string;
  unsupported: string;
  openImage: string;
  download: string;
};

export const attachStrings: Record<string, AttachStrings> = {
  en: {
    toSend: 'Files to send',
    remove: 'Remove {name}',
    tooMany: 'At most {n} files per message: the others are left out.',
    uploading: 'Uploading {name}',
    progress: 'Uploading… {percent}',
    cancel: 'Cancel sending',
    lost: 'Not uploaded before the page was reloaded: retrying sends the message without it.',
    tooLarge: 'A file is too large to send.',
    unsupported: 'This type of file cannot be sent.',
    openImage: 'Open {name} full size',
    download: 'Download {name}, {size}',
  },
  es: {
    toSend: 'Archivos para enviar',
    remove: 'Quitar {name}',
    tooMany: 'Como máximo {n} archivos por mensaje: los demás se omiten.',
    uploading: 'Subiendo {name}',
    progress: 'Subiendo… {percent}',
    cancel: 'Cancelar el envío',
    lost: 'No se subió antes de recargar la página: al reintentar, el mensaje se envía sin él.',
    tooLarge: 'Un archivo es demasiado grande para enviarlo.',
    unsupported: 'Este tipo de archivo no se puede enviar.',
    openImage: 'Abrir {name} a tamaño completo',
    download: 'Descargar {name}, {size}',
  },
  de: {
    toSend: 'Zu sendende Dateien',
    remove: '{name} entfernen',
    tooMany: 'Höchstens {n} Dateien pro Nachricht: die übrigen werden weggelassen.',
    uploading: '{name} wird hochgeladen',
    progress: 'Wird hochgeladen… {percent}',
    cancel: 'Senden abbrechen',
    lost: 'Vor dem Neuladen der Seite nicht hochgeladen: erneut versuchen sendet die Nachricht ohne diese Datei.',
    tooLarge: 'Eine Datei ist zu groß zum Senden.',
    unsupported: 'Dieser Dateityp kann nicht gesendet werden.',
    openImage: '{name} in voller Größe öffnen',
    download: '{name} herunterladen, {size}',
  },
  fr: {
    toSend: 'Fichiers à envoyer',
    remove: 'Retirer {name}',
    tooMany: 'Au plus {n} fichiers par message : les autres sont ignorés.',
    uploading: 'Envoi de {name}',
    progress: 'Envoi… {percent}',
    cancel: 'Annuler l’envoi',
    lost: 'Non envoyé avant le rechargement de la page : réessayer envoie le message sans ce fichier.',
    tooLarge: 'Un fichier est trop volumineux pour être envoyé.',
    unsupported: 'Ce type de fichier ne peut pas être envoyé.',
    openImage: 'Ouvrir {name} en taille réelle',
    download: 'Télécharger {name}, {size}',
  },
  ar: {
    toSend: 'ملفات للإرسال',
    remove: 'إزالة {name}',
    tooMany: 'الحد الأقصى {n} ملفات لكل رسالة: تم استبعاد الباقي.',
    uploading: 'جارٍ رفع {name}',
    progress: 'جارٍ الرفع… {percent}',
    cancel: 'إلغاء الإرسال',
    lost: 'لم يُرفع قبل إعادة تحميل الصفحة: إعادة المحاولة ترسل الرسالة بدونه.',
    tooLarge: 'أحد الملفات أكبر من أن يُرسل.',
    unsupported: 'لا يمكن إرسال هذا النوع من الملفات.',
    openImage: 'فتح {name} بالحجم الكامل',
    download: 'تنزيل {name}، {size}',
  },
};
