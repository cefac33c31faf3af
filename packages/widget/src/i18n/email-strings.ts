/**
 * The strings of the email forms chunk (pre-chat, offline email, end chat, an expired link), every locale in
 * one table: the chunk is fetched on first use only, as attach-strings.ts.
 */
export type EmailStrings = {
  invalidEmail: string;
  transcript: string;
  linkExpired: string;
};

export const emailStrings: Record<string, EmailStrings> = {
  en: {
    invalidEmail: 'Enter a valid email address, like name@example.com.',
    transcript: 'Email me a transcript',
    linkExpired: 'This link has expired — you can start a new conversation here.',
  },
  es: {
    invalidEmail: 'Introduce un correo electrónico válido, como nombre@ejemplo.com.',
    transcript: 'Envíame la conversación por correo',
    linkExpired: 'Este enlace ha caducado: puedes empezar una nueva conversación aquí.',
  },
  de: {
    invalidEmail: 'Gib eine gültige E-Mail-Adresse ein, z. B. name@beispiel.de.',
    transcript: 'Verlauf per E-Mail senden',
    linkExpired: 'Dieser Link ist abgelaufen – du kannst hier ein neues Gespräch beginnen.',
  },
  fr: {
    invalidEmail: 'Saisissez une adresse e-mail valide, comme nom@exemple.com.',
    transcript: 'M’envoyer la conversation par e-mail',
    linkExpired: 'Ce lien a expiré — vous pouvez commencer une nouvelle conversation ici.',
  },
  ar: {
    invalidEmail: 'أدخل بريدًا إلكترونيًا صالحًا، مثل name@example.com.',
    transcript: 'أرسل لي نص المحادثة بالبريد الإلكتروني',
    linkExpired: 'انتهت صلاحية هذا الرابط — يمكنك بدء محادثة جديدة هنا.',
  },
};
